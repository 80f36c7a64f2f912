import QtQuick
import "../components"

Item {
    Column {
        anchors.centerIn: parent
        width: parent.width
        spacing: Theme.spacing * 2
        ScreenTitle { horizontalAlignment: Text.AlignHCenter; text: qsTr("Thank you") }
        KText {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("Please take your receipt. Your details have been cleared from this screen.")
        }
        BigButton {
            objectName: "done"
            anchors.horizontalCenter: parent.horizontalCenter
            primary: true
            text: qsTr("Done")
            onClicked: session.done()
        }
    }
}

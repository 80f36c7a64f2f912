import QtQuick

Rectangle {
    id: footer
    color: Theme.surface
    border.color: Theme.border
    implicitHeight: Theme.footerHeight
    BigButton {
        objectName: "homeButton"
        anchors { left: parent.left; leftMargin: Theme.margin; verticalCenter: parent.verticalCenter }
        text: qsTr("Home")
        enabled: session.canGoHome
        onClicked: session.home()
    }
    KText {
        objectName: "countdown"
        anchors.centerIn: parent
        visible: session.secondsLeft >= 0
        text: qsTr("%1 s").arg(session.secondsLeft)
        font.pixelSize: Theme.fontBody
        color: session.secondsLeft <= 15 ? Theme.error : Theme.muted
    }
    BigButton {
        objectName: "backButton"
        anchors { right: parent.right; rightMargin: Theme.margin; verticalCenter: parent.verticalCenter }
        text: qsTr("Back")
        enabled: session.canGoBack
        onClicked: session.back()
    }
}

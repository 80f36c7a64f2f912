import QtQuick
import QtQuick.Controls

// Admin entry: a PIN pad over everything (modal). The digits stay in the view model; this
// screen shows dots only. The check runs off the GUI thread (admin.pinBusy meanwhile).
Rectangle {
    id: pad
    objectName: "pinPad"
    color: Theme.background

    MouseArea {  // modal: nothing underneath takes a tap
        anchors.fill: parent
        onPressed: admin.touch()
    }

    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.margin, Theme.minTouch * 6)
        spacing: Theme.spacing * 2

        KText {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            font.pixelSize: Theme.fontTitle
            text: qsTr("Technician access")
        }
        KText {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            color: Theme.muted
            text: qsTr("Enter the admin PIN")
        }
        Row {
            objectName: "pinDots"
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: Theme.spacing
            height: Theme.fontTitle
            Repeater {
                model: admin.pinLength
                Rectangle {
                    width: Theme.fontBody; height: width; radius: width / 2
                    color: Theme.text
                }
            }
        }
        KText {
            objectName: "pinMessage"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            color: Theme.error
            visible: text !== ""
            text: admin.pinBusy ? "" : admin.pinMessage
        }
        KText {
            objectName: "pinChecking"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            visible: admin.pinBusy
            text: qsTr("Checking…")
        }
        Grid {
            anchors.horizontalCenter: parent.horizontalCenter
            columns: 3
            spacing: Theme.spacing
            Repeater {
                model: ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
                BigButton {
                    objectName: "pinKey_" + modelData
                    width: Theme.minTouch * 1.6
                    text: modelData
                    enabled: !admin.pinBusy
                    onClicked: admin.pinDigit(modelData)
                }
            }
            BigButton {
                objectName: "pinBackspace"
                width: Theme.minTouch * 1.6
                text: "⌫"
                enabled: !admin.pinBusy && admin.pinLength > 0
                onClicked: admin.pinBackspace()
            }
            BigButton {
                objectName: "pinKey_0"
                width: Theme.minTouch * 1.6
                text: "0"
                enabled: !admin.pinBusy
                onClicked: admin.pinDigit("0")
            }
            BigButton {
                objectName: "pinOk"
                width: Theme.minTouch * 1.6
                primary: true
                text: qsTr("OK")
                enabled: !admin.pinBusy && admin.pinLength > 0
                onClicked: admin.pinSubmit()
            }
        }
        BigButton {
            objectName: "pinCancel"
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("Cancel")
            enabled: !admin.pinBusy
            onClicked: admin.cancelEntry()
        }
    }
}
